"""Account strategy: the account score and tiers, the portfolio and its 80/20 line, the
relationship map, living plans and handover briefs (pure rules; handlers and storage live
in their own modules)."""

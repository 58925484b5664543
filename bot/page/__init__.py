"""The customer page: kambot's read-only web page of one account's joint plan."""

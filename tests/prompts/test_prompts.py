import pytest

from prompts import PromptError, render, variables


def test_every_template_renders_with_its_variables():
    for name in ("system", "ask", "summarize", "narrative"):
        names = variables(name)
        assert names, name
        text = render(name, **{n: f"<{n}>" for n in names})
        assert "$" not in text.replace("$$", "")


def test_missing_or_unknown_variable_fails_loudly():
    with pytest.raises(PromptError, match="needs"):
        render("ask", question="q")
    names = {n: "x" for n in variables("narrative")}
    with pytest.raises(PromptError, match="no variable"):
        render("narrative", typo="x", **names)
    with pytest.raises(PromptError, match="no prompt template"):
        render("nope")


def test_values_are_not_templates():
    names = {n: "x" for n in variables("ask")}
    names["question"] = "$data ${nonce} {x}"
    assert "$data ${nonce} {x}" in render("ask", **names)

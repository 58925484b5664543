from tests.fakes.slack_api import fake_slack, fake_socket  # noqa: F401 - fixtures

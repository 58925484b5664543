from tests.fakes import slack_api

fake_slack = slack_api.fake_slack
fake_socket = slack_api.fake_socket

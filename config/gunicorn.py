"""gunicorn's configuration (`gunicorn -c python:config.gunicorn config.wsgi`): its own and access
logs in LOG_FORMAT, like every other line (SPEC section 11).

gunicorn reads this before Django starts, so it reads LOG_FORMAT from the environment itself.
"""

import os

from config.logging import gunicorn_logging_config

accesslog = "-"
logconfig_dict = gunicorn_logging_config(log_format=os.environ.get("LOG_FORMAT", "text"))

"""Logger names an operator filters on, apart from a module's own: written here once, for the code that
logs and for config/logging.py that sets their levels, since neither may import the other."""

# The per-moment lines, apart from the per-match ones (MOMENT_LOG_LEVEL). The name predates moments/
# as an app: operators' queries read it, so it stays.
MOMENT_LOGGER = "streaming.moments.published"

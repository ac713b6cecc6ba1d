"""Word lists shipped with Vigil (emotion lexicons, stop words); see README.md for provenance."""

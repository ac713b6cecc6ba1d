"""Vigil — enterprise public-opinion monitoring and response (舆情监测与处置平台)."""

__version__ = "0.1.0"

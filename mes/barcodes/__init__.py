"""Reading what a scanner typed: plain lot codes and GS1 element strings (see `gs1.py`)."""

from mes.barcodes.gs1 import ScannedCode, parse_scan

__all__ = ["ScannedCode", "parse_scan"]

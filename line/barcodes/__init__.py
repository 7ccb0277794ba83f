"""Reading what a scanner typed: plain lot codes and GS1 labels (see `gs1.py`)."""

from line.barcodes.gs1 import BarcodeRefused, ScannedCode, parse_scan

__all__ = ["BarcodeRefused", "ScannedCode", "parse_scan"]

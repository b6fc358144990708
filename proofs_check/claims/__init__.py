"""Claim modules, one per paper section; importing this package registers every claim."""

from proofs_check.claims import section3, section4, section5, section42, section52

__all__ = ["section3", "section4", "section5", "section42", "section52"]

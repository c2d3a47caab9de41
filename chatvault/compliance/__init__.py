"""Compliance controls: the audit trail's checks today; custodians, legal holds, retention and
erasure build on it (issue #20)."""

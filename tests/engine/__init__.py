"""Unit tests of the domain engine: no Home Assistant instance involved."""

"""Tests of the Health Monitor integration."""

"""Tests of the targets users add (config subentries)."""

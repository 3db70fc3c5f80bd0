"""Health Monitor's domain engine.

Plain asyncio and dataclasses: nothing here imports Home Assistant, so every
rule of the domain can be tested in milliseconds.
"""

"""Scenarios and the policy check: decisions as change sets on the engine's per-feature models."""

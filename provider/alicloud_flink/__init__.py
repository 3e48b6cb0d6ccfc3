"""Alibaba Cloud Flink session-cluster lookups: settings, API client, models, lookup core,
dynamic provider, emulator and CLI. Nothing heavy is imported here: see each module."""

"""Local infrastructure for development and tests: a real Apache Kafka broker without Docker."""

"""A subscriber's data for a person's data request (export and erasure), registered with common.personal_data."""

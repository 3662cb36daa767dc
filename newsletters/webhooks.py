"""What the email providers tell us through django-anymail's webhooks: bounces, complaints, unsubscriptions."""

"""Subscribers in the admin: searchable and exportable (CSV) by the « Relation abonnés » role only."""

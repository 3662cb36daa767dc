"""What a save changes: the row as the database held it just before, for receivers that react to a change."""


def stored_values(instance, *fields: str) -> dict | None:
    """These columns of the instance's row before the save (read in ``pre_save``); None for a new row."""
    if instance.pk is None:
        return None
    return type(instance)._base_manager.filter(pk=instance.pk).values(*fields).first()


def has_changed(before: dict | None, instance, fields) -> bool:
    """Whether the save changes any of these fields (a new row changes them all)."""
    return before is None or any(before[name] != getattr(instance, name) for name in fields)

"""connectomedb: the L4 dense connectome in PostgreSQL and a graph database."""

__version__ = "0.1.0"


def locate(points: object, dataset: str, **kwargs: object) -> object:
    """What sits at each point: see :func:`connectomedb.volumes.locate.locate`."""
    from connectomedb.volumes.locate import locate as _locate

    return _locate(points, dataset, **kwargs)  # type: ignore[arg-type]

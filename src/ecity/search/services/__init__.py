from ecity.search.services.scheduling import index_schedule

__all__ = ["index_schedule"]

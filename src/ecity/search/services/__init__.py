from ecity.search.services.indexing import documents_index, source_rebuild
from ecity.search.services.scheduling import index_schedule

__all__ = ["documents_index", "index_schedule", "source_rebuild"]

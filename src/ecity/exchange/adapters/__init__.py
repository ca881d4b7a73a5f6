"""Application integration (应用整合): adapters that call legacy SOAP and REST providers.

A client of the exchange never sees SOAP: ``soap.soap_call`` answers plain JSON, and both
adapters map field names with ``mapping`` (see its docstring for the mapping format).
"""

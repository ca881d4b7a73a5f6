"""Writes of the department sub-sites (every act checks the actor and is audited)."""

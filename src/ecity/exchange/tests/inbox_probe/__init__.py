"""A receiver's inbox for transport tests and the exchange benchmark: one effect per message.

Installed only by ``ecity.conf.test``. ``effect_record`` is an idempotent ``on_message``
handler: the first delivery of a message ID writes its ``ProbeEffect`` row, a redelivery counts
itself on that row and has no second effect.
"""

from django.db import models


class ProbeEffect(models.Model):
    """The one effect of one received message (unique message ID)."""

    message_id = models.CharField(max_length=64, unique=True)
    sender = models.CharField(max_length=255)
    topic = models.CharField(max_length=255, blank=True)
    payload = models.JSONField(null=True)
    published_at = models.DateTimeField(null=True)  # the envelope's created_at
    effected_at = models.DateTimeField(auto_now_add=True)
    redeliveries = models.IntegerField(default=0)

    def __str__(self) -> str:
        return self.message_id


class ProbeDeadLetter(models.Model):
    """A message the consumer gave up on."""

    message_id = models.CharField(max_length=64, blank=True)
    reason = models.TextField()
    deliveries = models.IntegerField()

    def __str__(self) -> str:
        return f"{self.message_id} ({self.deliveries})"

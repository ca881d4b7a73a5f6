"""Exchange API, mounted at /api/v1/exchange/."""

from django.urls import path

from ecity.exchange.api import (
    discovery,
    federation,
    keys,
    publications,
    registry,
    subscriptions,
    topics,
)

app_name = "exchange-api"
urlpatterns = [
    # Publish/subscribe (H2).
    path("topics", topics.TopicListApi.as_view(), name="topic_list"),
    path("topics/<str:topic>", topics.TopicSaveApi.as_view(), name="topic_save"),
    path("topics/<str:topic>/schemas", topics.TopicSchemaAddApi.as_view(), name="topic_schema_add"),
    path("topics/<str:topic>/messages", publications.MessagePublishApi.as_view(), name="publish"),
    path("messages/batch", publications.MessageBatchPublishApi.as_view(), name="publish_batch"),
    path(
        "subscriptions", subscriptions.SubscriptionRequestApi.as_view(), name="subscription_request"
    ),
    path(
        "subscriptions/<uuid:subscription_id>/messages",
        subscriptions.MessagesPullApi.as_view(),
        name="pull",
    ),
    path(
        "subscriptions/<uuid:subscription_id>/acks",
        subscriptions.MessagesAckApi.as_view(),
        name="ack",
    ),
    path(
        "subscriptions/<uuid:subscription_id>/replay",
        subscriptions.SubscriptionReplayApi.as_view(),
        name="replay",
    ),
    path("dead-letters", subscriptions.DeadLetterListApi.as_view(), name="dead_letters"),
    path(
        "dead-letters/requeue",
        subscriptions.DeadLetterRequeueApi.as_view(),
        name="dead_letters_requeue",
    ),
    path("keys", keys.ExchangeKeyListApi.as_view(), name="keys"),
    path("clients/", discovery.ClientListApi.as_view(), name="client_list"),
    path("services/", registry.ServiceRegisterApi.as_view(), name="service_register"),
    path("access-rights/", registry.AccessRightGrantApi.as_view(), name="access_right_grant"),
    path(
        "access-rights/<uuid:public_id>/revoke/",
        registry.AccessRightRevokeApi.as_view(),
        name="access_right_revoke",
    ),
    # Two cities (H7): node-to-node requests and pushes, and a local system's remote request.
    path(
        "federation/subscriptions",
        federation.FederatedSubscriptionReceiveApi.as_view(),
        name="federation_subscription_receive",
    ),
    path(
        "federation/inbox/<uuid:subscription_id>",
        federation.FederatedInboxApi.as_view(),
        name="federation_inbox",
    ),
    path(
        "federation/remote-subscriptions",
        federation.RemoteSubscriptionRequestApi.as_view(),
        name="remote_subscription_request",
    ),
]

"""Single sign-on (单点登录) with federation (联盟): ecity as an OpenID Connect provider.

Part of the identity domain, kept in its own app so that the OAuth machinery (django-oauth-toolkit)
stays out of the account code. Department applications are registered as clients with a policy
naming the claims they may receive; a person links their ecity identity to an application once
(``Federation``) and sees exactly which data it gets.
"""

"""The follow-up survey after a trip: sent by the organizer, answered through personal links."""

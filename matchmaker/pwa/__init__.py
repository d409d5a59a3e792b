"""The installable phone app: web app manifest and service worker, both from our origin."""

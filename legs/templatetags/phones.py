"""Emergency and health-line numbers as tap-to-call links: ``{{ advice|call_links }}``."""

from django import template

from legs import formats

register = template.Library()
register.filter("call_links", formats.call_links)

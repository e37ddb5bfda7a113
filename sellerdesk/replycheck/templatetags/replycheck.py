import json

from django import template

from sellerdesk.replycheck.presentation import FindingsView, findings_view

register = template.Library()


@register.simple_tag
def replycheck_findings(report, text=None, channel="", required=None) -> FindingsView:
    """``{% replycheck_findings report text channel required as view %}`` — the panel's model."""
    # An unset template variable arrives as "": that means "not known", not "nothing required".
    return findings_view(
        report, text, channel or "", required if required not in ("", None) else None
    )


@register.simple_tag
def replycheck_live_attrs(
    field_id, channel="chat", buyer_name="", channel_field_id="", buyer_field_id=""
) -> dict:
    """hx-trigger, hx-include and hx-vals for the live panel.

    Values come from other form fields when their ids are given (the playground), else
    from the include's fixed arguments (a reply box knows its channel and buyer).
    """
    sources = [f"#{field_id}"]
    triggers = [f"input changed delay:300ms from:#{field_id}", "load"]
    values = {"field_id": field_id}
    if channel_field_id:
        sources.append(f"#{channel_field_id}")
        triggers.append(f"change from:#{channel_field_id}")
    else:
        values["channel"] = channel or "chat"
    if buyer_field_id:
        sources.append(f"#{buyer_field_id}")
        triggers.append(f"input changed delay:300ms from:#{buyer_field_id}")
    else:
        values["buyer_name"] = "" if buyer_name is None else str(buyer_name)
    sources.append(f"#{field_id}-replycheck [name=warnings_confirmed]")
    return {
        "trigger": ", ".join(triggers),
        "include": ", ".join(sources),
        "vals": json.dumps(values),
    }

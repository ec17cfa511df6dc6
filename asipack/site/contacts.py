"""Put the organisation's contacts wherever a mother looks on the website: every page's footer and a contacts page.

The footer (templates/site/partials/footer.html) shows the organisation's name, phone and
WhatsApp and the emergency numbers, each a link that calls (tel:) or opens a chat
(https://wa.me/<digits>). The contacts page, one per language, lists the referral contacts
with their roles in the page's language. The neutral default organisation gives no number, so
the website then shows the emergency numbers only, never a placeholder.
"""

from __future__ import annotations

import html
from typing import Any

import yaml

from asipack.model.organisation import Organisation, tel_uri, whatsapp_uri
from asipack.model.pack import Pack
from asipack.render.i18n import load_translations, role_names

CONTACTS_PAGE = "contacts"  # the generated page that lists every contact, per language
AMBULANCE, EMERGENCY = "119", "112"  # Indonesia's national numbers, printed on every leaflet too


def footer_contacts(organisation: Organisation) -> dict[str, Any]:
    """Return what the footer shows, with the address each number opens (put in config.extra)."""
    return {
        "name": organisation.name if organisation.has_number else None,
        "phone": organisation.phone,
        "phone_href": tel_uri(organisation.phone) if organisation.phone else None,
        "whatsapp": organisation.whatsapp,
        "whatsapp_href": whatsapp_uri(organisation.whatsapp) if organisation.whatsapp else None,
        "ambulance": {"phone": AMBULANCE, "href": tel_uri(AMBULANCE)},
        "emergency": {"phone": EMERGENCY, "href": tel_uri(EMERGENCY)},
        "local": [{"name": line.name, "phone": line.phone, "href": tel_uri(line.phone)} for line in organisation.emergency],
        "page": f"{CONTACTS_PAGE}/",
    }


def link(text: str, href: str) -> str:
    """Return an HTML link whose words never break across lines (a phone number)."""
    return f'<a class="asi-number" href="{html.escape(href)}">{html.escape(text)}</a>'


def contacts_page(pack: Pack, lang: str) -> str:
    """Return the Markdown of the page that lists the organisation, its referral contacts (with roles) and the emergency numbers."""
    translations = load_translations(pack.root, lang)
    _ = translations.gettext
    roles = role_names(translations)
    organisation = pack.organisation
    title = _("Contacts")
    meta = {"title": title, "summary": _("Who to call or message about breastfeeding, and in an emergency."), "asipack_contacts": True}
    meta["description"] = meta["summary"]
    yours, referrals, emergency, phone = _("Your midwife or puskesmas"), _("Referral contacts"), _("Emergency"), _("Phone")
    parts = [f"# {title}", str(meta["summary"]), f"## {yours}"]
    if organisation.has_number:
        lines = [f"<strong>{html.escape(organisation.name)}</strong>"]
        if organisation.phone:
            lines.append(f"{html.escape(phone)}: {link(organisation.phone, tel_uri(organisation.phone))}")
        if organisation.whatsapp:
            lines.append(f"WhatsApp: {link(organisation.whatsapp, whatsapp_uri(organisation.whatsapp))}")
        if organisation.address:
            lines.append(html.escape(organisation.address))
        if organisation.email:
            lines.append(f'<a href="mailto:{html.escape(organisation.email)}">{html.escape(organisation.email)}</a>')
        parts.append('<p class="asi-contact">' + "<br>\n".join(lines) + "</p>")
    else:
        parts.append(html.escape(_("Your midwife or puskesmas writes their number on your leaflets. Save it in your phone.")))
    if organisation.referrals:
        parts.append(f"## {referrals}")
        items = []
        for person in organisation.referrals:
            role = f" ({html.escape(roles[person.role])})" if person.role else ""
            where = f", {html.escape(person.kecamatan)}" if person.kecamatan else ""
            items.append(f"<li><strong>{html.escape(person.name)}</strong>{role}{where}: {link(person.phone, tel_uri(person.phone))}</li>")
        parts.append('<ul class="asi-referrals">\n' + "\n".join(items) + "\n</ul>")
    parts.append(f"## {emergency}")
    ambulance = _("ambulance")
    items = [f"<li>{link(AMBULANCE, tel_uri(AMBULANCE))} ({html.escape(ambulance)})</li>", f"<li>{link(EMERGENCY, tel_uri(EMERGENCY))}</li>"]
    items += [f"<li>{html.escape(line.name)}: {link(line.phone, tel_uri(line.phone))}</li>" for line in organisation.emergency]
    parts.append('<ul class="asi-emergency">\n' + "\n".join(items) + "\n</ul>")
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, default_flow_style=False)
    return f"---\n{front}---\n" + "\n\n".join(parts) + "\n"

"""Every user-facing string of the safety layer: fixed text, never model output.

Two wordings per emergency: the patient one (call the emergency number, tell the infusion staff) and
the clinician one (stop the infusion, follow the protocol, call the rapid response team). Which one a
message gets is decided in ``bot.safety.screen``: the clinician wording when the Bot is asked as a
clinician OR the message itself reads as a clinician reporting a patient.
"""

from __future__ import annotations

from bot.types import Audience

EMERGENCY_NUMBER = "call your local emergency number now (e.g. 911 in the US, 112 in the EU, 999 in the UK)"

DISCLAIMERS: dict[str, str] = {
    "clinician": (
        "For healthcare professionals. citebot summarises the cited sources; verify against the primary sources "
        "and the current product label before acting. It is not a substitute for clinical judgement."
    ),
    "patient": (
        "This is general information, not medical advice. Talk to your doctor, nurse or pharmacist about your own "
        "situation. In an emergency, call your local emergency number."
    ),
}

EMERGENCY_OPENING: dict[str, str] = {
    "clinician": (
        "This may be a medical emergency. Follow your local emergency protocol and call the rapid response "
        f"(resuscitation) team, or {EMERGENCY_NUMBER} if you are outside a care setting. "
        "citebot cannot assess or manage emergencies."
    ),
    "patient": (
        f"This may be a medical emergency. Please {EMERGENCY_NUMBER}. "
        "citebot cannot help in an emergency, so it will not answer this question."
    ),
}

# Category-specific advice appended to the opening, per wording.
EMERGENCY_EXTRA: dict[str, dict[str, str]] = {
    "patient": {
        "suicidal": (
            " If you are thinking about suicide or harming yourself, or someone else is, contact a crisis line now: "
            "call or text 988 (988 Suicide & Crisis Lifeline) in the US, or your local crisis line. "
            "If there is immediate danger, call your local emergency number. You are not alone."
        ),
        "anaphylaxis": (
            " If this is happening during or after an infusion, tell the infusion staff immediately; "
            "if you are not at the infusion centre, call your local emergency number."
        ),
        "overdose": (
            " Also contact poison control (1-800-222-1222 in the US, or your local poison centre). "
            "Keep the medicine packaging with you."
        ),
        "stroke": " Note the time the symptoms started; do not wait to see whether they pass.",
        "chest_pain": " Do not drive yourself to hospital.",
    },
    "clinician": {
        "suicidal": (
            " Do not leave the person alone; follow your local suicide-risk / crisis protocol and arrange urgent "
            "psychiatric assessment. Crisis lines: 988 (988 Suicide & Crisis Lifeline) in the US, or your local "
            "crisis line."
        ),
        "anaphylaxis": (
            " If an infusion is running, stop it immediately and keep the line open. Follow your anaphylaxis "
            "protocol (adrenaline/epinephrine as your protocol specifies, airway, oxygen, fluids) and call the "
            "rapid response team now. Do not restart the infusion without senior review."
        ),
        "overdose": " Contact your poison centre (1-800-222-1222 in the US) and follow your overdose protocol.",
        "stroke": " Follow your stroke pathway: note the time of onset and call the stroke team now.",
        "chest_pain": " Follow your acute coronary syndrome pathway; get an ECG now.",
        "sepsis": " Follow your sepsis pathway now; the patient is immunosuppressed.",
        "collapse": (
            " Call the resuscitation team and start basic life support if there is no pulse or normal breathing."
        ),
        "fever_stiff_neck": " Follow your sepsis / meningitis pathway now; the patient is immunosuppressed.",
    },
}


def disclaimer(audience: Audience) -> str:
    """Fixed disclaimer shown with every answer, worded for the audience (never model-generated)."""
    return DISCLAIMERS["clinician" if audience == "clinician" else "patient"]


def emergency_message(category: str, audience: Audience) -> str:
    """Fixed text for an emergency; citebot does not answer the question itself."""
    wording = "clinician" if audience == "clinician" else "patient"
    return EMERGENCY_OPENING[wording] + EMERGENCY_EXTRA[wording].get(category, "")


def decline_message(audience: Audience) -> str:
    """Fixed text for personal dosing requests: the prescriber decides, citebot explains the label."""
    if audience == "clinician":
        return (
            "citebot does not make patient-specific dosing recommendations: the dose for an individual patient is "
            "decided by the prescriber using the product label and clinical judgement. citebot can explain the "
            "labelled dosing schedule in general, with citations, if you ask about that."
        )
    return (
        "citebot can't tell you how much to take, or whether to change, skip, delay or give yourself a dose: "
        "those decisions are made by the person who prescribes your medicine. Please ask your care team "
        "(doctor, nurse or pharmacist). citebot can explain the labelled dosing schedule in general if you ask "
        "about that."
    )

"""Guided stretches on After your run, driven by Playwright's clock instead of waiting.

The phone's senses are stubbed before the page loads (`add_init_script`): `navigator.vibrate`,
`navigator.wakeLock` and `AudioContext` record their calls in `window.calls`, so a test counts
the beeps and buzzes per hold and sees the screen's wake lock taken and given back.
"""

from datetime import datetime, timedelta

import pytest
from playwright.sync_api import expect

from legs.models import ChecklistRunStep, ChecklistStep
from tests.e2e.test_accessibility import log_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AFTER = "/checklists/after-your-run/"
GAP = 5_000  # the seconds to get into position before each hold, in ms
START = datetime(2026, 3, 2, 18, 0)

RECORDING_SENSES = """
window.calls = {beeps: 0, vibrations: [], locks: 0, released: 0};
Object.defineProperty(navigator, "vibrate", {
  configurable: true,
  value: (pattern) => { window.calls.vibrations.push(pattern); return true; },
});
class Sentinel extends EventTarget {
  release() {
    window.calls.released += 1;
    this.dispatchEvent(new Event("release"));
    return Promise.resolve();
  }
}
Object.defineProperty(navigator, "wakeLock", {
  configurable: true,
  value: {request: (type) => { window.calls.locks += 1; return Promise.resolve(new Sentinel()); }},
});
window.AudioContext = class {
  constructor() { this.state = "running"; this.currentTime = 0; this.destination = {}; }
  createOscillator() {
    return {frequency: {}, connect() {}, start() { window.calls.beeps += 1; }, stop() {}};
  }
  createGain() { return {gain: {}, connect() {}}; }
  resume() { return Promise.resolve(); }
};
"""

NO_SENSES = """
delete Navigator.prototype.vibrate;
delete Navigator.prototype.wakeLock;
delete window.AudioContext;
delete window.webkitAudioContext;
"""


def open_after(page, senses: str = RECORDING_SENSES) -> None:
    """The page with its senses stubbed and its clock stopped: time moves only by run_for."""
    page.add_init_script(senses)
    page.clock.install(time=START)
    page.goto(AFTER)
    page.clock.pause_at(START + timedelta(seconds=10))


def calls(page) -> dict:
    return page.evaluate("window.calls")


def set_hidden(page, hidden: bool) -> None:
    page.evaluate(
        """hidden => {
            Object.defineProperty(document, "hidden", {configurable: true, get: () => hidden});
            document.dispatchEvent(new Event("visibilitychange"));
        }""",
        hidden,
    )


def step_of(page, name: str):
    return page.locator(f"#step-{ChecklistStep.objects.get(text__startswith=name).pk}")


def test_a_guided_run_holds_each_side_beeps_buzzes_ticks_and_moves_on(page, catalogue):
    open_after(page)
    status = page.locator("#timer-status")
    panel = page.locator("#guided-panel")
    page.get_by_label("20 seconds").check()  # htmx saves it at once
    expect(status).to_have_text("Each stretch now holds 20 s.")
    expect(step_of(page, "Quads").locator(".step-hold")).to_have_text("Hold 20 s each side")
    expect(step_of(page, "Back").locator(".step-hold")).to_have_text("Hold 20 s")
    expect(panel).to_be_hidden()

    page.get_by_role("button", name="Start guided stretches").click()
    expect(status).to_have_text(
        "Guided stretches started: 6 stretches, 20 s each side. Get ready: Quads: stand tall "
        "and hold one foot to your bottom, knees together, left side."
    )
    expect(panel).to_be_visible()
    expect(panel.get_by_role("button", name="Pause")).to_be_focused()
    expect(panel.locator('[data-guided-part="phase"]')).to_have_text("Get ready")
    assert calls(page)["locks"] == 1

    page.clock.run_for(GAP)
    expect(status).to_contain_text("Hold 20 s: Quads")
    expect(status).to_contain_text(", left side.")
    expect(panel.locator('[data-guided-part="clock"]')).to_have_text("0:20")
    assert calls(page)["beeps"] == 0

    page.clock.run_for(20_000)
    expect(status).to_have_text("Switch sides: now the right side.")
    expect(panel.locator('[data-guided-part="phase"]')).to_have_text("Switch sides")
    expect(panel.locator('[data-guided-part="side"]')).to_have_text("Right side")
    assert calls(page)["beeps"] == 1
    assert calls(page)["vibrations"] == [300]
    expect(step_of(page, "Quads").locator(".step-toggle")).to_have_attribute(
        "aria-pressed", "false"
    )

    page.clock.run_for(GAP + 20_000)
    expect(step_of(page, "Quads").locator(".step-toggle")).to_have_attribute("aria-pressed", "true")
    expect(status).to_contain_text("Done and ticked: Quads")
    expect(status).to_contain_text("Next: Hamstrings")
    expect(page.locator("#checklist-progress")).to_contain_text("1 of 10 done")
    expect(panel.locator('[data-guided-part="count"]')).to_have_text("Stretch 2 of 6")
    expect(step_of(page, "Hamstrings")).to_have_class("checklist-step is-current")
    assert calls(page)["beeps"] == 2
    assert len(calls(page)["vibrations"]) == 2

    # The rest, one stretch at a time so each tick lands before the next is sent.
    for done, (name, sides) in enumerate(
        [("Hamstrings", 2), ("Glutes", 2), ("Hips", 2), ("Back", 1), ("Arms", 2)], start=2
    ):
        page.clock.run_for((GAP + 20_000) * sides)
        expect(step_of(page, name).locator(".step-toggle")).to_have_attribute(
            "aria-pressed", "true"
        )
        expect(page.locator("#checklist-progress")).to_contain_text(f"{done} of 10 done")

    expect(status).to_contain_text("Guided stretches finished: 6 stretches done.")
    expect(panel).to_be_hidden()
    expect(page.get_by_role("button", name="Start guided stretches")).to_be_focused()
    senses = calls(page)
    assert senses["beeps"] == 11  # five stretches on each side and the back once
    assert senses["vibrations"] == [300] * 11
    assert (senses["locks"], senses["released"]) == (1, 1)

    page.reload()
    expect(page.locator("#checklist-progress")).to_contain_text("6 of 10 done")
    expect(step_of(page, "Quads").locator(".step-hold")).to_have_text("Hold 20 s each side")


def test_pause_resume_skip_and_stop_give_back_and_take_the_wake_lock(page, catalogue):
    open_after(page)
    status = page.locator("#timer-status")
    panel = page.locator("#guided-panel")
    clock = panel.locator('[data-guided-part="clock"]')
    page.get_by_role("button", name="Start guided stretches").click()
    page.clock.run_for(GAP + 10_000)
    expect(clock).to_have_text("0:20")
    assert (calls(page)["locks"], calls(page)["released"]) == (1, 0)

    panel.get_by_role("button", name="Pause").click()
    expect(status).to_have_text("Paused at 0:20. Press Resume to carry on.")
    assert calls(page)["released"] == 1
    page.clock.run_for(60_000)
    expect(clock).to_have_text("0:20")
    assert calls(page)["beeps"] == 0

    panel.get_by_role("button", name="Resume").click()
    expect(status).to_have_text("Resumed: 0:20 to go.")
    assert calls(page)["locks"] == 2

    # The page hidden (another app, the phone locked) gives the lock back; coming back takes it.
    set_hidden(page, True)
    assert calls(page)["released"] == 2
    set_hidden(page, False)
    page.wait_for_function("window.calls.locks === 3")

    panel.get_by_role("button", name="Skip stretch").click()
    expect(status).to_contain_text("Skipped: Quads")
    expect(status).to_contain_text("Next: Hamstrings")
    expect(panel.locator('[data-guided-part="stretch"]')).to_contain_text("Hamstrings")
    page.clock.run_for(GAP + 30_000)
    expect(status).to_have_text("Switch sides: now the right side.")
    assert calls(page)["beeps"] == 1
    expect(step_of(page, "Quads").locator(".step-toggle")).to_have_attribute(
        "aria-pressed", "false"
    )

    panel.get_by_role("button", name="Stop").click()
    expect(status).to_have_text("Guided stretches stopped: 0 stretches done.")
    expect(panel).to_be_hidden()
    expect(page.get_by_role("button", name="Start guided stretches")).to_be_focused()
    assert calls(page)["released"] == 3
    page.clock.run_for(120_000)
    assert calls(page)["beeps"] == 1
    expect(page.locator("#checklist-progress")).to_contain_text("0 of 10 done")


def test_without_sound_vibration_or_wake_lock_the_guided_run_works_the_same(page, catalogue):
    open_after(page, NO_SENSES)
    page.get_by_role("button", name="Start guided stretches").click()
    page.clock.run_for((GAP + 30_000) * 2)
    expect(step_of(page, "Quads").locator(".step-toggle")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#timer-status")).to_contain_text("Next: Hamstrings")


def test_a_members_guided_run_uses_their_profile_hold_and_saves_their_ticks(
    page, live_server, catalogue
):
    member = UserFactory(stretch_hold=45)
    log_in(page, live_server, member)
    open_after(page)
    expect(step_of(page, "Quads").locator(".step-hold")).to_have_text("Hold 45 s each side")
    page.get_by_role("button", name="Start guided stretches").click()
    expect(page.locator("#timer-status")).to_contain_text("6 stretches, 45 s each side")
    page.clock.run_for((GAP + 45_000) * 2)
    expect(step_of(page, "Quads").locator(".step-toggle")).to_have_attribute("aria-pressed", "true")
    quads = ChecklistStep.objects.get(text__startswith="Quads")
    assert ChecklistRunStep.objects.filter(run__user=member, step=quads).exists()


def test_a_stretchs_own_timer_says_switch_sides_and_ticks_after_the_second(page, catalogue):
    open_after(page)
    quads = step_of(page, "Quads")
    status = page.locator("#timer-status")
    quads.get_by_role("button", name="Start the timer").click()
    page.clock.run_for(30_000)
    expect(status).to_contain_text("Switch sides: Quads")
    expect(status).to_contain_text("0:30 on the other side.")
    expect(quads.locator(".step-toggle")).to_have_attribute("aria-pressed", "false")
    page.clock.run_for(30_000)
    expect(quads.locator(".step-toggle")).to_have_attribute("aria-pressed", "true")
    expect(status).to_contain_text("Time's up: Quads")


def test_without_javascript_the_stretches_are_a_plain_checklist_with_the_hold_in_words(
    browser, live_server, catalogue
):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto(AFTER)
    expect(step_of(page, "Hips").locator(".step-hold")).to_have_text("Hold 30 s each side")
    expect(page.get_by_role("button", name="Start guided stretches")).to_be_hidden()
    expect(page.locator("#guided-panel")).to_be_hidden()

    page.get_by_label("45 seconds").check()
    page.get_by_role("button", name="Save hold").click()
    expect(page.get_by_text("Each stretch now holds 45 s.")).to_be_visible()
    expect(step_of(page, "Hips").locator(".step-hold")).to_have_text("Hold 45 s each side")
    expect(page.get_by_label("45 seconds")).to_be_checked()

    step_of(page, "Hips").locator(".step-toggle").click()
    expect(step_of(page, "Hips").locator(".step-toggle")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#checklist-progress")).to_contain_text("1 of 10 done")
    context.close()

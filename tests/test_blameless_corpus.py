"""
The blameless-language check against a labelled corpus written for this test.

Half the sentences blame a person (names, pronouns, passive voice, negations),
half are neutral, including the neutral uses the rules must leave alone.  The
test prints precision and recall and requires both to be at least 0.9.
"""

import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from incidentkit import Level, ValidationError
from incidentkit.postmortem import BLAME_RULES, BlameRule, check_blameless


BLAMING = [
    "Marta forgot to renew the TLS certificate.",
    "Tom neglected to run the migration in staging first.",
    "He ignored the warning in the deploy output.",
    "She didn't bother to check the dashboard before paging.",
    "The on-call engineer did not follow the runbook.",
    "Someone fat-fingered the load balancer weight.",
    "Priya should have known the cache would be cold.",
    "The outage was caused by human error.",
    "Root cause was operator error during the failover.",
    "It was Dmitri's fault that the queue filled up.",
    "This was entirely his mistake.",
    "The config was broken by the new intern.",
    "We blame Carlos for skipping the review.",
    "The junior developer was careless with the flag rollout.",
    "Their sloppy change took down checkout.",
    "A lazy review let the bug through.",
    "Kenji failed to test the rollback path.",
    "They never checked whether the backup had finished.",
    "The incident happened because of a simple human error.",
    "Ana messed up the DNS record.",
    "The reviewer should have caught the missing index.",
    "You didn't read the alert before silencing it.",
    "The deployment was botched by Luis.",
    "The release manager is to blame for the bad release.",
    "Jonas overlooked the failing canary.",
    "The database migration was mishandled by someone on the platform team.",
    "This was a rookie mistake by the new hire.",
    "Elena's typo in the manifest broke production.",
    "The engineer didn't double-check the target cluster.",
    "Blame the DBA, who dropped the wrong table.",
    "The oncall person was negligent in acknowledging the page.",
    "Her bad config brought the API down for an hour.",
]

NEUTRAL = [
    "The database ran out of connections at 14:02.",
    "A new query opened connections without closing them.",
    "Code review did not catch the missing connection cleanup.",
    "There is no automated check for connection leaks.",
    "Connection-pool monitoring was never prioritised.",
    "The deploy pipeline's fault detection did not trigger a rollback.",
    "Human error is a symptom of a system that makes errors easy.",
    "The alert did not fire because the threshold was above the ceiling.",
    "The job failed to start after the node was drained.",
    "Kubernetes did not reschedule the pods onto healthy nodes.",
    "Postgres failed to accept new connections once the pool was exhausted.",
    "The outage was caused by a configuration change to the pool size.",
    "Nobody was at fault; the runbook lacked a step for this failure mode.",
    "We do not blame individuals for incidents.",
    "Ana rolled back the release at 14:30 and errors dropped.",
    "Lee paged the database team within five minutes.",
    'In the chat log Sam wrote "I forgot to restart the worker": the step is manual.',
    "> raj: he forgot the flag, classic",
    "The rollback was triggered by Ana after the canary failed.",
    "The change was reviewed and approved by two engineers.",
    "Fault tolerance in the queue consumer kept orders from being lost.",
    "The incident was not human error: the deploy tool accepted an invalid target.",
    "Our process allowed a schema change to ship without a migration test.",
    "The cache was cold because the warm-up script is not part of the deploy.",
    "Detection took 23 minutes because traffic alerts only watched spikes.",
    "Customers reported the checkout errors before any alert fired.",
    "The runbook did not describe how to drain a single region.",
    "We should have had an alert on pool saturation.",
    "Error handling in the client retried without backoff and amplified the load.",
    "The on-call engineer followed the runbook and restored service in 41 minutes.",
    "Marta and Tom coordinated the failover from the incident channel.",
    "The timeout was raised by the platform team in March after a load test.",
]


# Written after the first rules, to probe them: the first two dozen of each list
# led to broader rules ("skipped", "should have ...", "if X had"); the last
# dozen were checked once, untouched (11 of 12 blaming ones found, no neutral
# one flagged).
MORE_BLAMING = [
    "Whoever merged this did not read the diff.",
    "Mike broke the build again.",
    "The SRE on duty ignored three pages.",
    "It is Alice who caused the outage.",
    "Bob made a mistake in the config.",
    "They should have tested it first.",
    "Jess pushed untested code to production.",
    "Because Omar was sloppy, the cache was flushed.",
    "The intern deleted the bucket.",
    "Our DBA failed to verify the backup.",
    "Carla skipped the checklist and shipped it anyway.",
    "He should have rolled back immediately.",
    "The outage happened because Dev forgot the feature flag.",
    "Someone on the payments team broke the API contract.",
    "Nina was careless with the production credentials.",
    "The bad migration was written by Paul.",
    "Tom did not follow the change process.",
    "If Raj had read the alert, none of this would have happened.",
    "She pushed broken config on Friday evening.",
    "This was a developer mistake.",
    "Leo forgot to renew the domain.",
    "The new hire deployed to the wrong region.",
    "Maria didn't check the replication lag before the switch.",
    "It was his fault the queue backed up.",
    "The root cause was human error during the DNS change.",
    "Yusuf should have waited for the canary.",
    "The certificate was ignored by the on-call engineer.",
    "Sam's careless typo took down login.",
    "They botched the rollback.",
    "An operator fat-fingered the firewall rule.",
    "Greta messed up the cron schedule.",
    "We blame the platform team for the missing alert.",
]

# Neutral sentences of the same probes.
MORE_NEUTRAL = [
    "The scheduler did not run the nightly job.",
    "Bob restarted the service at 10:02.",
    "The config change was merged without a canary stage.",
    "An engineer noticed the latency spike on the dashboard.",
    "The alert fired but was routed to an unmonitored channel.",
    "Alice wrote the runbook used for the failover.",
    "Nobody could see pool usage: no dashboard showed it.",
    "The failover script failed to promote the replica.",
    "Jess asked for a second review, which the tool did not require.",
    "The team did not have a staging environment for this service.",
    "The migration ran for 40 minutes and locked the orders table.",
    "Carla opened the incident channel at 09:14.",
    "The change process has no step for schema migrations.",
    "The API contract test did not cover optional fields.",
    "Paul wrote the migration; the review tool did not show the table lock.",
    "Production credentials were reachable from a developer laptop.",
    "The rollback button was hidden behind two menus.",
    "Traffic dropped 60% and no alert watched for drops.",
    "Dev and Nina paired on the fix.",
    "The feature flag defaulted to on in the new release.",
    "Leo renewed the domain after the outage.",
    "The deploy tool allowed a rollout to the wrong region.",
    "Replication lag was not visible in the switch-over checklist.",
    "The queue backed up because consumers crashed on a malformed message.",
    "The DNS change was applied by hand; there is no automation for it.",
    "The canary stage lasted two minutes, too short to see the error rate.",
    "The certificate expiry alert went to an email nobody reads.",
    "A typo in the login config passed validation.",
    "The rollback script does not handle schema changes.",
    "The firewall rule editor has no confirmation step.",
    "Cron jobs are not monitored for missed runs.",
    "The platform team owns the alerting configuration.",
]


def test_blameless_check_precision_and_recall_on_the_corpus(capsys):
    blaming, neutral = BLAMING + MORE_BLAMING, NEUTRAL + MORE_NEUTRAL
    assert 30 <= len(BLAMING) == len(NEUTRAL)
    assert len(MORE_BLAMING) == len(MORE_NEUTRAL)
    flagged_blaming = [s for s in blaming if check_blameless(s)]
    flagged_neutral = [s for s in neutral if check_blameless(s)]
    true_positives = len(flagged_blaming)
    false_positives = len(flagged_neutral)
    precision = true_positives / (true_positives + false_positives)
    recall = true_positives / len(blaming)
    missed = sorted(set(blaming) - set(flagged_blaming))
    with capsys.disabled():  # shown in every run, not only with -s
        print(  # noqa: T201 - the issue asks for the figures in the test output
            f"\nblameless corpus: {len(blaming) + len(neutral)} sentences, "
            f"precision {precision:.3f}, recall {recall:.3f}"
        )
        print("missed:", missed)  # noqa: T201
        print("wrongly flagged:", flagged_neutral)  # noqa: T201
    assert precision >= 0.9
    assert recall >= 0.9


def test_a_finding_names_the_rule_the_words_the_reason_and_the_span():
    (finding,) = check_blameless("After the deploy, Sam forgot to drain the node.")

    assert "person-forgot" == finding.code
    assert Level.WARNING is finding.level
    assert "text[18:28]" == finding.subject
    assert finding.message.startswith("'Sam forgot' blames a person: ")
    assert "ask what let the step be skipped" in finding.message


@pytest.mark.parametrize(
    "text",
    [
        "The deploy pipeline's fault detection missed the bad canary.",
        "Human error is a symptom, not a cause.",
        'The log shows "he forgot the flag" from the chat, quoted as written.',
        "The chat said \u201cshe didn't check the dashboard\u201d at 14:02.",
        "Ana quoted `raj forgot the migration` from the channel.",
        "Chat log:\n> raj: sam forgot to restart it\n> sam: yes, the step is manual",
        "This is not about being careless: the tool hides the target cluster.",
        "We never blame individuals; the process let this through.",
    ],
)
def test_neutral_uses_are_not_flagged(text):
    assert () == check_blameless(text)


def test_known_people_are_recognised_even_in_lower_case():
    text = "lee did not check the replica lag."

    assert () == check_blameless(text)
    assert ["person-did-not"] == [
        f.code for f in check_blameless(text, people=["lee", "ana"])
    ]


def test_rules_are_data_extend_or_replace_them():
    hero = BlameRule(
        "hero-culture",
        r"(?i:\bsaved\s+the\s+day\b)",
        "Credits one person; describe what the process made possible.",
        unless=[r"(?i:\bautomation\b)"],
    )
    text = "Marta saved the day. Automation saved the day too."

    extended = check_blameless(text, rules=(*BLAME_RULES, hero))
    replaced = check_blameless("Sam forgot the flag.", rules=[hero])

    assert [("hero-culture", "text[6:19]")] == [(f.code, f.subject) for f in extended]
    assert () == replaced
    assert () == check_blameless("Sam forgot the flag.", rules=[])


def test_each_match_is_reported_once_in_text_order():
    text = "Raj was careless. Later, she forgot the flag and Tom neglected the alert."

    found = check_blameless(text, subject="went_badly[0]")

    assert [
        ("character-judgment", "went_badly[0][8:16]"),
        ("person-forgot", "went_badly[0][25:35]"),
        ("person-forgot", "went_badly[0][49:62]"),
    ] == [(f.code, f.subject) for f in found]


def test_bad_rules_and_inputs_are_refused():
    with pytest.raises(ValidationError, match="'pattern' must be a valid regular"):
        BlameRule("broken", "(unclosed", "reason")
    with pytest.raises(ValidationError, match="'unless' must be a sequence"):
        BlameRule("x", "x", "reason", unless=[3])
    with pytest.raises(ValidationError, match="'text' must be a string"):
        check_blameless(b"Sam forgot")  # type: ignore[arg-type]
    with pytest.raises(
        ValidationError, match="'rules' must be a sequence of BlameRule"
    ):
        check_blameless("text", rules=["forgot"])  # type: ignore[list-item]
    with pytest.raises(
        ValidationError, match="'rules' must be a sequence of BlameRule"
    ):
        check_blameless("text", rules="forgot")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="'people' must be a sequence of names"):
        check_blameless("text", people="lee")


def test_long_hostile_text_is_checked_in_linear_time():
    # Many matches, no sentence ends, quotes everywhere: the work stays linear.
    # The quotes pair up, so every second repetition is quoted and skipped:
    # 4000 repetitions, 2000 unquoted, two findings each.
    small = 'Sam forgot it and he did not check "' * 500
    big = small * 8

    started = time.perf_counter()
    check_blameless(small)
    small_time = time.perf_counter() - started
    started = time.perf_counter()
    found = check_blameless(big)
    big_time = time.perf_counter() - started

    assert 4000 == len(found)
    assert big_time < 30 * max(small_time, 0.001)


@given(st.text(max_size=300))
def test_any_text_gives_findings_inside_the_text(text):
    for finding in check_blameless(text):
        span = finding.subject.removeprefix("text[").removesuffix("]")
        start, end = (int(n) for n in span.split(":"))
        assert 0 <= start < end <= len(text)

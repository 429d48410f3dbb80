"""Rasa's rule and memoization policies, predicting from past states worked out once per event.

They are Rasa's `RulePolicy` and `MemoizationPolicy` with one method replaced: `_prediction_states` takes the
conversation's states from `rasa_addons.past_states` instead of working out every earlier turn again at each
prediction, and then does what Rasa's `MaxHistoryTrackerFeaturizer.prediction_states` does with them. What
they learn and predict is unchanged (`tests/rasa_addons/test_past_states.py` compares both policies with
Rasa's own), except that the rule policy gives a disclosure's help after the topic's answer
(rasa_addons/disclosure_help.py). The class names stay Rasa's, because Rasa tells a memorised prediction by the
name's ending (`rasa.core.policies.ensemble`).
"""

from __future__ import annotations

import warnings
from typing import Any, cast

from rasa.core.featurizers.tracker_featurizers import MaxHistoryTrackerFeaturizer
from rasa.core.policies import memoization, rule_policy
from rasa.core.policies.policy import Policy, PolicyPrediction, SupportedData, confidence_scores_for
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.core.domain import Domain, State
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_addons import disclosure_help
from rasa_addons.past_states import past_states

# Rasa's validator looks for its own RulePolicy class only, so with this one it would warn at every training that
# "restart" and "back" will not work; they do, because this is a RulePolicy (Rasa adds their rules to any).
warnings.filterwarnings("ignore", message="'RulePolicy' is not included", category=UserWarning)


class _PastStatesPredictions:
    """Replaces `Policy._prediction_states` for both policies below (first in their method order)."""

    def _prediction_states(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        use_text_for_last_user_input: bool = False,
        rule_only_data: dict[str, Any] | None = None,
    ) -> list[State]:
        """What `Policy._prediction_states` gives, with the past states worked out incrementally."""
        policy = cast(Policy, self)
        featurizer = policy.featurizer
        if not isinstance(featurizer, MaxHistoryTrackerFeaturizer) or isinstance(tracker, TrackerWithCachedStates):
            # Training trackers cache their own states; another featurizer is not what this was checked against.
            return Policy._prediction_states(policy, tracker, domain, use_text_for_last_user_input, rule_only_data)
        ml_only = policy.supported_data() == SupportedData.ML_DATA
        states = past_states(tracker, domain, ignore_rule_only_turns=ml_only, rule_only_data=rule_only_data)
        if ml_only:
            states = featurizer._remove_action_unlikely_intent_from_states(states)
        states = featurizer.slice_state_history(states, featurizer.max_history)
        featurizer._choose_last_user_input([states], use_text_for_last_user_input)
        return states


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True)
class MemoizationPolicy(_PastStatesPredictions, memoization.MemoizationPolicy):
    """Rasa's memoization policy, with past states worked out once per event."""


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True)
class RulePolicy(_PastStatesPredictions, rule_policy.RulePolicy):
    """Rasa's rule policy, with past states worked out once per event and a disclosure's help after the topic's."""

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        """Rasa's prediction, unless a disclosure's help is owed where the rules would wait (disclosure_help)."""
        prediction = super().predict_action_probabilities(tracker, domain, rule_only_data=rule_only_data, **kwargs)
        abstained = prediction.max_confidence <= 0
        predicted = None if abstained else domain.action_names_or_texts[prediction.max_confidence_index]
        action = disclosure_help.next_action(tracker, domain, predicted)
        if action is None:
            return prediction
        return PolicyPrediction(confidence_scores_for(action, 1.0, domain), self.__class__.__name__, self.priority)

    def train(self, training_trackers: list[TrackerWithCachedStates], domain: Domain, **kwargs: Any) -> Resource:
        """Train as Rasa's does, after the domain check Rasa's validator runs only for its own class."""
        rule_policy.RulePolicy.raise_if_incompatible_with_domain(self.config, domain)
        return super().train(training_trackers, domain, **kwargs)

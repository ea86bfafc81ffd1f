package eu.kiesdag.chair.ui.screens

import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.res.stringResource
import eu.kiesdag.chair.R
import eu.kiesdag.chair.ui.BigButton
import eu.kiesdag.chair.ui.Issues
import eu.kiesdag.chair.ui.NumberInput
import eu.kiesdag.chair.ui.ScreenColumn
import eu.kiesdag.chair.ui.Section
import eu.kiesdag.chair.ui.TextInput
import eu.kiesdag.chair.ui.Title
import eu.kiesdag.shared.types.Event
import eu.kiesdag.shared.types.ListVotes
import eu.kiesdag.shared.types.ProvisionalResult
import eu.kiesdag.shared.types.ResultView

/**
 * Page.Result: the count, field by field as on the official form. Every change goes
 * to the core (EditResult), which checks it with the shared rules as the chair types.
 */
@Composable
fun ResultScreen(view: ResultView, send: (Event) -> Unit) {
    val draft = view.draft
    fun edit(change: (ProvisionalResult) -> ProvisionalResult) = send(Event.EditResult(change(draft)))
    // The core's line of help per figure: where it comes from on the official report.
    fun help(field: String): String? = view.help.firstOrNull { it.field == field }?.text
    ScreenColumn {
        Title(stringResource(R.string.result_title))
        if (!view.maySubmit) {
            Text(stringResource(R.string.result_close_first))
            return@ScreenColumn
        }
        if (view.submitted) Text(stringResource(R.string.result_submitted))
        Section(stringResource(R.string.result_voters))
        NumberInput(stringResource(R.string.result_poll_cards), draft.voters.pollCards, help("voters.poll_cards")) { v ->
            edit { it.copy(voters = it.voters.copy(pollCards = v ?: 0u)) }
        }
        NumberInput(stringResource(R.string.result_proxies), draft.voters.proxyCertificates, help("voters.proxy_certificates")) { v ->
            edit { it.copy(voters = it.voters.copy(proxyCertificates = v ?: 0u)) }
        }
        NumberInput(stringResource(R.string.result_voter_cards), draft.voters.voterCards, help("voters.voter_cards")) { v ->
            edit { it.copy(voters = it.voters.copy(voterCards = v ?: 0u)) }
        }
        NumberInput(stringResource(R.string.result_admitted), draft.voters.admittedVoters, help("voters.admitted_voters")) { v ->
            edit { it.copy(voters = it.voters.copy(admittedVoters = v ?: 0u)) }
        }
        Section(stringResource(R.string.result_votes))
        view.lists.forEach { list ->
            NumberInput(stringResource(R.string.result_list, list.number.toInt(), list.name), list.votes) { v ->
                edit { result ->
                    val others = result.votes.listVotes.filter { it.listNumber != list.number }
                    val votes = (others + ListVotes(list.number, v ?: 0u)).sortedBy { it.listNumber }
                    result.copy(votes = result.votes.copy(listVotes = votes))
                }
            }
        }
        NumberInput(stringResource(R.string.result_candidates), draft.votes.votesForCandidates, help("votes.votes_for_candidates")) { v ->
            edit { it.copy(votes = it.votes.copy(votesForCandidates = v ?: 0u)) }
        }
        NumberInput(stringResource(R.string.result_blank), draft.votes.blankVotes, help("votes.blank_votes")) { v ->
            edit { it.copy(votes = it.votes.copy(blankVotes = v ?: 0u)) }
        }
        NumberInput(stringResource(R.string.result_invalid), draft.votes.invalidVotes, help("votes.invalid_votes")) { v ->
            edit { it.copy(votes = it.votes.copy(invalidVotes = v ?: 0u)) }
        }
        NumberInput(stringResource(R.string.result_cast), draft.votes.votesCast, help("votes.votes_cast")) { v ->
            edit { it.copy(votes = it.votes.copy(votesCast = v ?: 0u)) }
        }
        NumberInput(stringResource(R.string.result_more), draft.moreBallotsCounted, help("more_ballots_counted")) { v ->
            edit { it.copy(moreBallotsCounted = v ?: 0u) }
        }
        NumberInput(stringResource(R.string.result_fewer), draft.fewerBallotsCounted, help("fewer_ballots_counted")) { v ->
            edit { it.copy(fewerBallotsCounted = v ?: 0u) }
        }
        TextInput(stringResource(R.string.result_explanation), draft.explanation, { text -> edit { it.copy(explanation = text) } }, singleLine = false, help = stringResource(R.string.free_text_no_voters))
        Issues(view.issues)
        BigButton(stringResource(R.string.result_submit), enabled = !view.hasErrors && !view.submitted) {
            send(Event.SubmitResult)
        }
    }
}

import SwiftUI
import SharedTypes

/// Page.result: the count, field by field as on the official form. Every change goes
/// to the core (editResult), which checks it with the shared rules as the chair types.
struct ResultScreen: View {
    let view: ResultView
    let send: (Event) -> Void

    /// A binding to one number of the draft; each change is sent to the core.
    private func field(_ path: WritableKeyPath<ProvisionalResult, UInt32>) -> Binding<UInt32?> {
        Binding(
            get: { view.draft[keyPath: path] },
            set: { value in
                var draft = view.draft
                draft[keyPath: path] = value ?? 0
                send(.editResult(draft))
            }
        )
    }

    /// The core's line of help for a figure: where it comes from on the official report.
    private func help(_ field: String) -> String? {
        view.help.first { $0.field == field }?.text
    }

    private func listField(_ number: UInt32) -> Binding<UInt32?> {
        Binding(
            get: { view.lists.first { $0.number == number }?.votes },
            set: { value in
                var draft = view.draft
                var votes = draft.votes.listVotes.filter { $0.listNumber != number }
                votes.append(ListVotes(listNumber: number, votes: value ?? 0))
                draft.votes.listVotes = votes.sorted { $0.listNumber < $1.listNumber }
                send(.editResult(draft))
            }
        )
    }

    var body: some View {
        Text("result_title").font(.title.bold())
        if !view.maySubmit {
            Text("result_close_first")
        } else {
            if view.submitted { Text("result_submitted") }
            Group {
                Text("result_voters").font(.headline)
                NumberField(title: "result_poll_cards", value: field(\.voters.pollCards), help: help("voters.poll_cards"))
                NumberField(title: "result_proxies", value: field(\.voters.proxyCertificates), help: help("voters.proxy_certificates"))
                NumberField(title: "result_voter_cards", value: field(\.voters.voterCards), help: help("voters.voter_cards"))
                NumberField(title: "result_admitted", value: field(\.voters.admittedVoters), help: help("voters.admitted_voters"))
            }
            Group {
                Text("result_votes").font(.headline)
                ForEach(view.lists, id: \.number) { list in
                    NumberField(title: "result_list \(Int(list.number)) \(list.name)", value: listField(list.number))
                }
                NumberField(title: "result_candidates", value: field(\.votes.votesForCandidates), help: help("votes.votes_for_candidates"))
                NumberField(title: "result_blank", value: field(\.votes.blankVotes), help: help("votes.blank_votes"))
                NumberField(title: "result_invalid", value: field(\.votes.invalidVotes), help: help("votes.invalid_votes"))
                NumberField(title: "result_cast", value: field(\.votes.votesCast), help: help("votes.votes_cast"))
            }
            Group {
                NumberField(title: "result_more", value: field(\.moreBallotsCounted), help: help("more_ballots_counted"))
                NumberField(title: "result_fewer", value: field(\.fewerBallotsCounted), help: help("fewer_ballots_counted"))
                BigTextField(title: "result_explanation", text: Binding(
                    get: { view.draft.explanation },
                    set: { text in
                        var draft = view.draft
                        draft.explanation = text
                        send(.editResult(draft))
                    }
                ), help: "free_text_no_voters")
                IssuesList(issues: view.issues)
                BigButton(title: "result_submit", enabled: !view.hasErrors && !view.submitted) { send(.submitResult) }
            }
        }
    }
}

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
                NumberField(title: "result_poll_cards", value: field(\.voters.pollCards))
                NumberField(title: "result_proxies", value: field(\.voters.proxyCertificates))
                NumberField(title: "result_voter_cards", value: field(\.voters.voterCards))
                NumberField(title: "result_admitted", value: field(\.voters.admittedVoters))
            }
            Group {
                Text("result_votes").font(.headline)
                ForEach(view.lists, id: \.number) { list in
                    NumberField(title: "result_list \(Int(list.number)) \(list.name)", value: listField(list.number))
                }
                NumberField(title: "result_candidates", value: field(\.votes.votesForCandidates))
                NumberField(title: "result_blank", value: field(\.votes.blankVotes))
                NumberField(title: "result_invalid", value: field(\.votes.invalidVotes))
                NumberField(title: "result_cast", value: field(\.votes.votesCast))
            }
            Group {
                NumberField(title: "result_more", value: field(\.moreBallotsCounted))
                NumberField(title: "result_fewer", value: field(\.fewerBallotsCounted))
                BigTextField(title: "result_explanation", text: Binding(
                    get: { view.draft.explanation },
                    set: { text in
                        var draft = view.draft
                        draft.explanation = text
                        send(.editResult(draft))
                    }
                ))
                IssuesList(issues: view.issues)
                BigButton(title: "result_submit", enabled: !view.hasErrors && !view.submitted) { send(.submitResult) }
            }
        }
    }
}

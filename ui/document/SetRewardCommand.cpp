#include "document/SetRewardCommand.h"

#include "document/ProjectDocument.h"

SetRewardCommand::SetRewardCommand(ProjectDocument *document, dragon::RewardDefinition before,
                                   dragon::RewardDefinition after)
    : m_document(document), m_before(std::move(before)), m_after(std::move(after))
{
    setText(QObject::tr("Edit the reward"));
}

void SetRewardCommand::redo()
{
    m_document->replaceReward(m_after);
}

void SetRewardCommand::undo()
{
    m_document->replaceReward(m_before);
}

int SetRewardCommand::numberEditedTerm(const dragon::RewardDefinition &a,
                                       const dragon::RewardDefinition &b)
{
    if (a.encoder != b.encoder || a.terms.size() != b.terms.size())
        return -1;
    int edited = -1;
    for (std::size_t i = 0; i < a.terms.size(); ++i) {
        if (a.terms[i] == b.terms[i])
            continue;
        const auto &x = a.terms[i], &y = b.terms[i];
        if (edited >= 0 || x.type != y.type || x.exemplarSet != y.exemplarSet || x.away != y.away)
            return -1;
        edited = int(i);
    }
    return edited;
}

bool SetRewardCommand::mergeWith(const QUndoCommand *other)
{
    const auto *next = static_cast<const SetRewardCommand *>(other);
    const int mine = numberEditedTerm(m_before, m_after);
    if (mine < 0 || !(next->m_before == m_after) ||
        numberEditedTerm(next->m_before, next->m_after) != mine)
        return false;
    m_after = next->m_after;
    setObsolete(m_after == m_before); // stepped back to where it started: no step at all
    return true;
}

#pragma once

#include "rewards/RewardDefinition.h"

#include <QUndoCommand>

class ProjectDocument;

// One edit of the reward (encoder, a term's kind, set, direction, weight or parameter).
// Consecutive number edits of the same term (a spin box being stepped) merge into one step.
class SetRewardCommand : public QUndoCommand
{
public:
    SetRewardCommand(ProjectDocument *document, dragon::RewardDefinition before,
                     dragon::RewardDefinition after);
    void redo() override;
    void undo() override;
    int id() const override { return 0x52455744; } // "REWD"
    bool mergeWith(const QUndoCommand *other) override;

private:
    // The term whose numbers alone differ between `a` and `b`; -1 when anything else differs.
    static int numberEditedTerm(const dragon::RewardDefinition &a,
                                const dragon::RewardDefinition &b);

    ProjectDocument *m_document;
    dragon::RewardDefinition m_before, m_after;
};

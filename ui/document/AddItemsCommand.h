#pragma once

#include "project/Project.h"

#include <QString>
#include <QUndoCommand>
#include <vector>

class ProjectDocument;

// Appends items to a set. Consecutive batches of one background import (same importId, same
// set, contiguous rows) merge, so a whole folder import is a single undo step.
class AddItemsCommand : public QUndoCommand
{
public:
    AddItemsCommand(ProjectDocument *document, QString setId, int row,
                    std::vector<dragon::ExemplarItem> items, int importId);
    void redo() override;
    void undo() override;
    int id() const override { return m_importId > 0 ? 0x4164 : -1; }
    bool mergeWith(const QUndoCommand *other) override;

private:
    void updateText();

    ProjectDocument *m_document;
    QString m_setId;
    int m_row;
    std::vector<dragon::ExemplarItem> m_items;
    int m_importId;
    bool m_firstRedo = true;
};

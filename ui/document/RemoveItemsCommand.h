#pragma once

#include "project/Project.h"

#include <QString>
#include <QUndoCommand>
#include <QVector>
#include <vector>

class ProjectDocument;

// Removes any selection of rows (sorted, unique); undo puts each back where it was.
class RemoveItemsCommand : public QUndoCommand
{
public:
    RemoveItemsCommand(ProjectDocument *document, QString setId, QVector<int> sortedRows);
    void redo() override;
    void undo() override;

private:
    ProjectDocument *m_document;
    QString m_setId;
    QVector<int> m_rows;
    std::vector<dragon::ExemplarItem> m_removed; // parallel to m_rows
};

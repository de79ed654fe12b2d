#pragma once

#include "project/Project.h"

#include <QUndoCommand>

class ProjectDocument;

class RemoveSetCommand : public QUndoCommand
{
public:
    RemoveSetCommand(ProjectDocument *document, int index);
    void redo() override;
    void undo() override;

private:
    ProjectDocument *m_document;
    int m_index;
    dragon::ExemplarSet m_set; // what undo puts back, items included
};

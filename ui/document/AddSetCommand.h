#pragma once

#include "project/Project.h"

#include <QUndoCommand>

class ProjectDocument;

class AddSetCommand : public QUndoCommand
{
public:
    AddSetCommand(ProjectDocument *document, dragon::ExemplarSet set, int index);
    void redo() override;
    void undo() override;

private:
    ProjectDocument *m_document;
    dragon::ExemplarSet m_set;
    int m_index;
};

#pragma once

#include <QString>
#include <QUndoCommand>

class ProjectDocument;

class RenameSetCommand : public QUndoCommand
{
public:
    RenameSetCommand(ProjectDocument *document, QString setId, QString oldName, QString newName);
    void redo() override;
    void undo() override;

private:
    ProjectDocument *m_document;
    QString m_setId, m_oldName, m_newName;
};

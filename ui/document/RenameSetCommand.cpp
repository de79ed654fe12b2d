#include "document/RenameSetCommand.h"

#include "document/ProjectDocument.h"

RenameSetCommand::RenameSetCommand(ProjectDocument *document, QString setId, QString oldName,
                                   QString newName)
    : m_document(document), m_setId(std::move(setId)), m_oldName(std::move(oldName)),
      m_newName(std::move(newName))
{
    setText(QObject::tr("Rename set to \"%1\"").arg(m_newName));
}

void RenameSetCommand::redo()
{
    m_document->setSetName(m_setId, m_newName);
}

void RenameSetCommand::undo()
{
    m_document->setSetName(m_setId, m_oldName);
}

#include "document/RemoveSetCommand.h"

#include "document/ProjectDocument.h"

RemoveSetCommand::RemoveSetCommand(ProjectDocument *document, int index)
    : m_document(document), m_index(index), m_set(document->set(index))
{
    setText(QObject::tr("Delete set \"%1\"").arg(QString::fromStdString(m_set.name)));
}

void RemoveSetCommand::redo()
{
    m_set = m_document->takeSetAt(m_index);
}

void RemoveSetCommand::undo()
{
    m_document->insertSetAt(m_index, m_set);
}

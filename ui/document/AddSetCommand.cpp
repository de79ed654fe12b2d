#include "document/AddSetCommand.h"

#include "document/ProjectDocument.h"

AddSetCommand::AddSetCommand(ProjectDocument *document, dragon::ExemplarSet set, int index)
    : m_document(document), m_set(std::move(set)), m_index(index)
{
    setText(QObject::tr("New set \"%1\"").arg(QString::fromStdString(m_set.name)));
}

void AddSetCommand::redo()
{
    m_document->insertSetAt(m_index, m_set);
}

void AddSetCommand::undo()
{
    m_document->takeSetAt(m_index);
}

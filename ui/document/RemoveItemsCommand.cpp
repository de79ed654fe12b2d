#include "document/RemoveItemsCommand.h"

#include "document/ProjectDocument.h"

RemoveItemsCommand::RemoveItemsCommand(ProjectDocument *document, QString setId,
                                       QVector<int> sortedRows)
    : m_document(document), m_setId(std::move(setId)), m_rows(std::move(sortedRows))
{
    setText(QObject::tr("Remove %n item(s)", nullptr, int(m_rows.size())));
}

void RemoveItemsCommand::redo()
{
    m_removed = m_document->takeRows(m_setId, m_rows);
}

void RemoveItemsCommand::undo()
{
    m_document->insertRows(m_setId, m_rows, m_removed);
}
